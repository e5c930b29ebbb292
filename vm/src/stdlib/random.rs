//! `_random`: the Mersenne Twister behind `random`, seeded as CPython seeds it.
//!
//! `_random.Random` is an ordinary class whose instances keep the generator
//! state in one pointer-free attribute (`_mt_state`, a raw bytes object of
//! 624 little-endian state words then the index word) that the methods
//! mutate in place, so `random()` allocates only its result float. The
//! algorithm is CPython's `Modules/_randommodule.c` (MT19937 with
//! `init_by_array` seeding), so every sequence matches CPython's.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::{Heap, ObjectRef};
use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive};

/// The module names this file provides.
pub const MODULES: &[&str] = &["_random"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;
/// Bytes of the state object: N words and the index.
const STATE_BYTES: usize = (N + 1) * 4;
/// The instance attribute holding the state.
const STATE_ATTR: &str = "_mt_state";

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    let object = vm.class(T_OBJECT);
    let cls = vm.make_class("Random", &[object], Value::NULL, "_random")?;
    let cs = vm.push(cls);
    let methods: &[(&'static str, NativeFn<H>)] = &[
        ("__init__", random_init::<H>),
        ("seed", random_seed::<H>),
        ("random", random_random::<H>),
        ("getrandbits", random_getrandbits::<H>),
        ("getstate", random_getstate::<H>),
        ("setstate", random_setstate::<H>),
    ];
    for &(n, f) in methods {
        let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
        vm.def_fn(d, n, f);
    }
    vm.intern(STATE_ATTR);
    vm.module_set(vm.st(ms), "Random", vm.st(cs))?;
    vm.truncate(cs);
    Ok(())
}

/// A view of the state bytes as words (index at `N`). Invalid after any
/// allocation.
fn words<'a>(state: ObjectRef) -> &'a mut [u32] {
    let b = object::bytes_of_mut(state);
    // SAFETY: the payload of a bytes-layout object is 8-byte aligned and
    // STATE_BYTES long; u32 has no invalid bit patterns.
    let (pre, w, _) = unsafe { b.align_to_mut::<u32>() };
    assert!(pre.is_empty() && w.len() == N + 1, "_random state layout");
    w
}

/// Checks `self` and returns its state object, creating a zeroed one (as
/// CPython's `tp_new` does) on first use. May allocate.
fn state_of<H: Heap>(vm: &mut Vm<H>, slf_slot: usize, name: &str) -> PyResult<ObjectRef> {
    let slf = vm.st(slf_slot);
    if !(slf.is_obj() && object::kind(slf.as_obj()) == Kind::Instance) {
        return Err(vm.descriptor_error(name, "_random.Random", slf));
    }
    let sym = vm.intern(STATE_ATTR);
    let slf = vm.st(slf_slot);
    if let Some(s) = vm.inst_get(slf.as_obj(), sym)
        && s.is_obj()
        && object::kind(s.as_obj()) == Kind::RawBytes
        && object::word(s.as_obj(), 0) == STATE_BYTES
    {
        return Ok(s.as_obj());
    }
    let s = vm.new_bytes_kind(Kind::RawBytes, &[0u8; STATE_BYTES])?;
    let ss = vm.push(s);
    vm.inst_set(vm.st(slf_slot), sym, s)?;
    let s = vm.st(ss);
    vm.truncate(ss);
    Ok(s.as_obj())
}

fn twist(mt: &mut [u32]) {
    let mag = |y: u32| if y & 1 != 0 { MATRIX_A } else { 0 };
    for kk in 0..N - M {
        let y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + M] ^ (y >> 1) ^ mag(y);
    }
    for kk in N - M..N - 1 {
        let y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + M - N] ^ (y >> 1) ^ mag(y);
    }
    let y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >> 1) ^ mag(y);
}

/// `genrand_uint32`: the next tempered 32-bit output.
#[inline]
fn next_u32(w: &mut [u32]) -> u32 {
    let mut i = w[N] as usize;
    if i >= N {
        twist(&mut w[..N]);
        i = 0;
    }
    let mut y = w[i];
    w[N] = (i + 1) as u32;
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c_5680;
    y ^= (y << 15) & 0xefc6_0000;
    y ^ (y >> 18)
}

fn init_genrand(w: &mut [u32], s: u32) {
    w[0] = s;
    for i in 1..N {
        w[i] = 1_812_433_253u32
            .wrapping_mul(w[i - 1] ^ (w[i - 1] >> 30))
            .wrapping_add(i as u32);
    }
    w[N] = N as u32;
}

fn init_by_array(w: &mut [u32], key: &[u32]) {
    init_genrand(w, 19_650_218);
    let (mut i, mut j) = (1usize, 0usize);
    for _ in 0..N.max(key.len()) {
        w[i] = (w[i] ^ (w[i - 1] ^ (w[i - 1] >> 30)).wrapping_mul(1_664_525))
            .wrapping_add(key[j])
            .wrapping_add(j as u32);
        i += 1;
        j += 1;
        if i >= N {
            w[0] = w[N - 1];
            i = 1;
        }
        if j >= key.len() {
            j = 0;
        }
    }
    for _ in 0..N - 1 {
        w[i] = (w[i] ^ (w[i - 1] ^ (w[i - 1] >> 30)).wrapping_mul(1_566_083_941))
            .wrapping_sub(i as u32);
        i += 1;
        if i >= N {
            w[0] = w[N - 1];
            i = 1;
        }
    }
    w[0] = 0x8000_0000;
}

/// Seed words from the OS (CPython's `random_seed_urandom`), or from the
/// time and pid when no entropy source is readable.
fn entropy_key() -> Vec<u32> {
    use std::io::Read;
    let mut buf = [0u8; N * 4];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom")
        && f.read_exact(&mut buf).is_ok()
    {
        return buf
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
    }
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    vec![
        t as u32,
        (t >> 32) as u32,
        std::process::id(),
        (t >> 64) as u32,
    ]
}

/// The key words `seed(arg)` feeds to `init_by_array` (rooted `arg` slot).
fn seed_key<H: Heap>(vm: &mut Vm<H>, arg: Value) -> PyResult<Vec<u32>> {
    if arg.is_none() || arg.is_null() {
        return Ok(entropy_key());
    }
    let n: BigInt = if crate::num::is_int(arg) {
        crate::num::to_bigint(arg).abs()
    } else if let Some(n) = int_subclass_abs(vm, arg)? {
        n
    } else {
        let h = vm.hash(arg)?;
        BigInt::from(h as u64)
    };
    let mut key = n.to_u32_digits().1;
    if key.is_empty() {
        key.push(0);
    }
    Ok(key)
}

/// `int.__abs__(arg)` for an instance of an `int` subclass (as CPython,
/// bypassing any `__abs__` override); `None` for anything else.
fn int_subclass_abs<H: Heap>(vm: &mut Vm<H>, arg: Value) -> PyResult<Option<BigInt>> {
    if !vm.isinstance_idx(arg, T_INT) {
        return Ok(None);
    }
    let sym = vm.intern("__abs__");
    let Some(f) = vm.class_lookup(vm.class(T_INT), sym) else {
        return Ok(None);
    };
    let r = vm.call_values(f, &[arg])?;
    Ok(crate::num::is_int(r).then(|| crate::num::to_bigint(r)))
}

fn do_seed<H: Heap>(vm: &mut Vm<H>, slf_slot: usize, arg: Value) -> PyResult<()> {
    let key = seed_key(vm, arg)?;
    // Looked up after hashing, which may have run Python code.
    let state = state_of(vm, slf_slot, "seed")?;
    init_by_array(words(state), &key);
    Ok(())
}

fn random_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if vm.nkw(a) > 0 {
        return Err(vm.type_error("Random() takes no keyword arguments"));
    }
    if a.n > 2 {
        return Err(vm.type_error("Random() requires 0 or 1 argument"));
    }
    let arg = if a.n == 2 { vm.arg(a, 1) } else { Value::NONE };
    do_seed(vm, a.base, arg)?;
    Ok(Value::NONE)
}

fn random_seed<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "seed", 1, 2)?;
    let arg = if a.n == 2 { vm.arg(a, 1) } else { Value::NONE };
    do_seed(vm, a.base, arg)?;
    Ok(Value::NONE)
}

fn random_random<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n != 1 || vm.nkw(a) > 0 {
        vm.check_args(a, "random", 1, 1)?;
    }
    let state = state_of(vm, a.base, "random")?;
    let w = words(state);
    let x = (next_u32(w) >> 5) as f64;
    let y = (next_u32(w) >> 6) as f64;
    vm.new_float((x * 67_108_864.0 + y) * (1.0 / 9_007_199_254_740_992.0))
}

fn random_getrandbits<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getrandbits", 2, 2)?;
    let kv = vm.arg(a, 1);
    let k = vm.index_int(kv)?;
    if k < 0 {
        return Err(vm.value_error("number of bits must be non-negative"));
    }
    if k == 0 {
        return Ok(Value::int(0));
    }
    let state = state_of(vm, a.base, "getrandbits")?;
    let w = words(state);
    if k <= 32 {
        return Ok(Value::int((next_u32(w) >> (32 - k)) as i64));
    }
    let nwords = ((k - 1) / 32 + 1) as usize;
    let mut out = Vec::with_capacity(nwords);
    let mut left = k;
    for _ in 0..nwords {
        let mut r = next_u32(w);
        if left < 32 {
            r >>= 32 - left;
        }
        out.push(r);
        left -= 32;
    }
    vm.new_int(BigInt::from_slice(Sign::Plus, &out))
}

fn random_getstate<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getstate", 1, 1)?;
    let state = state_of(vm, a.base, "getstate")?;
    let w: Vec<u32> = words(state).to_vec();
    let vals: Vec<Value> = w.iter().map(|&x| Value::int(x as i64)).collect();
    vm.new_tuple(&vals)
}

fn random_setstate<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "setstate", 2, 2)?;
    let t = vm.arg(a, 1);
    if !(t.is_obj() && object::kind(t.as_obj()) == Kind::Tuple) {
        return Err(vm.type_error("state vector must be a tuple"));
    }
    if object::array_len(t.as_obj()) != N + 1 {
        return Err(vm.value_error("state vector is the wrong size"));
    }
    let mut new = vec![0u32; N + 1];
    for (i, slot) in new.iter_mut().enumerate() {
        let v = object::array_get(vm.arg(a, 1).as_obj(), i);
        if !crate::num::is_int(v) {
            let msg = format!("an integer is required (got type {})", vm.type_name(v));
            return Err(vm.type_error(&msg));
        }
        let b = crate::num::to_bigint(v);
        if i < N {
            if b.is_negative() {
                return Err(vm.overflow_error("can't convert negative value to unsigned int"));
            }
            match b.to_u64() {
                Some(x) => *slot = x as u32,
                None => {
                    return Err(
                        vm.overflow_error("Python int too large to convert to C unsigned long")
                    );
                }
            }
        } else {
            match b.to_i64() {
                Some(x) if (0..=N as i64).contains(&x) => *slot = x as u32,
                Some(_) => return Err(vm.value_error("invalid state")),
                None => return Err(vm.overflow_error("Python int too large to convert to C long")),
            }
        }
    }
    let state = state_of(vm, a.base, "setstate")?;
    words(state).copy_from_slice(&new);
    Ok(Value::NONE)
}
