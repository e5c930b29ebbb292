//! Size classes of the block space: 8-byte steps up to 256 bytes, then four
//! classes per power of two up to [`MAX_SMALL`]. Larger objects take whole
//! blocks (see `space`).

/// Largest object served from a size class.
pub const MAX_SMALL: usize = 8 << 10;

/// The size classes and a lookup table from size to class.
pub struct SizeClasses {
    sizes: Vec<usize>,
    /// `lookup[size / 8]` = class index (sizes are multiples of 8).
    lookup: Vec<u16>,
}

impl SizeClasses {
    /// Builds the class table.
    pub fn new() -> SizeClasses {
        let mut sizes: Vec<usize> = (2..=32).map(|w| w * 8).collect();
        let mut base = 256;
        while base < MAX_SMALL {
            for q in 1..=4 {
                sizes.push(base + base / 4 * q);
            }
            base *= 2;
        }
        let mut lookup = vec![0u16; MAX_SMALL / 8 + 1];
        let mut c = 0;
        for (i, l) in lookup.iter_mut().enumerate() {
            while sizes[c] < i * 8 {
                c += 1;
            }
            *l = c as u16;
        }
        SizeClasses { sizes, lookup }
    }

    /// Number of classes.
    pub fn len(&self) -> usize {
        self.sizes.len()
    }

    /// Always false (there is at least one class).
    pub fn is_empty(&self) -> bool {
        self.sizes.is_empty()
    }

    /// The class serving `size` bytes (`size <= MAX_SMALL`).
    #[inline]
    pub fn class_of(&self, size: usize) -> usize {
        self.lookup[size.div_ceil(8)] as usize
    }

    /// Cell size of class `c`.
    #[inline]
    pub fn size(&self, c: usize) -> usize {
        self.sizes[c]
    }
}

impl Default for SizeClasses {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_fits_its_class() {
        let sc = SizeClasses::new();
        for size in (16..=MAX_SMALL).step_by(8) {
            let c = sc.class_of(size);
            assert!(sc.size(c) >= size);
            assert!(
                c == 0 || sc.size(c - 1) < size,
                "class too large for {size}"
            );
        }
        assert_eq!(sc.size(sc.class_of(MAX_SMALL)), MAX_SMALL);
    }
}
