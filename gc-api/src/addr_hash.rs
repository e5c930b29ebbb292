//! Hash tables keyed by addresses, for the heap checkers (`--verify-heap`,
//! `--gc=barrier-check`), which look up every reference they walk: SipHash
//! made them cost several times the collections they check.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes an address with a multiply and a fold (addresses are aligned, so
/// their low bits alone carry nothing).
#[derive(Default)]
pub(crate) struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0.rotate_left(8) ^ u64::from(b));
        }
    }
    fn write_usize(&mut self, a: usize) {
        self.write_u64(a as u64);
    }
    fn write_u64(&mut self, a: u64) {
        let h = a.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = h ^ (h >> 32);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map from addresses.
pub(crate) type AddrMap<V> = HashMap<usize, V, BuildHasherDefault<AddrHasher>>;
