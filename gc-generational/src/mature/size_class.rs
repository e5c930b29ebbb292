//! Size classes of the non-moving mature space: a request is rounded up to
//! the smallest cell size that holds it. Steps of 8 bytes up to 64, of 16 up
//! to 128, then four classes per power of two up to [`MAX_CELL`], so a cell
//! wastes less than a quarter of its size.

/// Largest cell; the `large=` threshold may not exceed it.
pub const MAX_CELL: usize = 8192;

/// Cell sizes, ascending, all multiples of 8 and at least a header.
pub const CELL_SIZES: [usize; 35] = [
    16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768,
    896, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192,
];

/// Number of classes.
pub const NUM_CLASSES: usize = CELL_SIZES.len();

/// Class of each size in 8-byte words (built at compile time), so that
/// promotion's per-object class lookup is one load.
const BY_WORDS: [u8; MAX_CELL / 8 + 1] = by_words();

const fn by_words() -> [u8; MAX_CELL / 8 + 1] {
    let mut t = [0u8; MAX_CELL / 8 + 1];
    let (mut w, mut c) = (0, 0);
    while w < t.len() {
        while CELL_SIZES[c] < w * 8 {
            c += 1;
        }
        t[w] = c as u8;
        w += 1;
    }
    t
}

/// The class serving `size` bytes (`16 <= size <= MAX_CELL`).
#[inline]
pub fn class_of(size: usize) -> usize {
    debug_assert!(size <= MAX_CELL);
    BY_WORDS[size.div_ceil(8)] as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_fitting_class() {
        for size in (16..=MAX_CELL).step_by(8) {
            let c = class_of(size);
            assert!(CELL_SIZES[c] >= size);
            assert!(c == 0 || CELL_SIZES[c - 1] < size);
            assert!(CELL_SIZES[c] * 4 <= size * 5 + 64, "waste at {size}");
        }
    }
}
