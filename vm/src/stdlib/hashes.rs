//! The builtin hash modules `hashlib` falls back to without OpenSSL:
//! `_md5`, `_sha1`, `_sha256`, `_sha512`, `_sha3` and `_blake2`, computed
//! with the RustCrypto crates.
//!
//! A hash object is an instance of a per-algorithm class (`_md5.md5`, ...)
//! whose `__new__` is native. It accumulates its input in a pointer-free,
//! growable buffer attribute (`_buf`, with the used length in `_len`) and
//! hashes the whole input when `digest()` is asked for: the RustCrypto
//! hasher states cannot be stored in a movable heap object, and this keeps
//! `copy()` trivial. BLAKE2 keeps its key, salt and person in attributes.

use super::binascii::{buffer_bytes, hex_with_sep};
use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["_md5", "_sha1", "_sha256", "_sha512", "_sha3", "_blake2"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

/// (name, module, digest size, block size) by algorithm id.
const ALGS: &[(&str, &str, usize, usize)] = &[
    ("md5", "_md5", 16, 64),
    ("sha1", "_sha1", 20, 64),
    ("sha224", "_sha256", 28, 64),
    ("sha256", "_sha256", 32, 64),
    ("sha384", "_sha512", 48, 128),
    ("sha512", "_sha512", 64, 128),
    ("sha3_224", "_sha3", 28, 144),
    ("sha3_256", "_sha3", 32, 136),
    ("sha3_384", "_sha3", 48, 104),
    ("sha3_512", "_sha3", 64, 72),
    ("shake_128", "_sha3", 0, 168),
    ("shake_256", "_sha3", 0, 136),
    ("blake2b", "_blake2", 64, 128),
    ("blake2s", "_blake2", 32, 64),
];
const SHAKE_128: usize = 10;
const SHAKE_256: usize = 11;
const BLAKE2B: usize = 12;
const BLAKE2S: usize = 13;

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, name: &str, ms: usize) -> PyResult<()> {
    for n in [
        "_alg",
        "_buf",
        "_len",
        "_key",
        "_salt",
        "_person",
        "digest_size",
    ] {
        vm.intern(n);
    }
    for (alg, &(aname, module, ds, bs)) in ALGS.iter().enumerate() {
        if module != name {
            continue;
        }
        let object = vm.class(T_OBJECT);
        let cls = vm.make_class(aname, &[object], Value::NULL, module)?;
        let cs = vm.push(cls);
        let methods: &[(&'static str, NativeFn<H>)] = &[
            ("__new__", hash_new::<H>),
            ("__init__", hash_init::<H>),
            ("update", hash_update::<H>),
            ("digest", hash_digest::<H>),
            ("hexdigest", hash_hexdigest::<H>),
            ("copy", hash_copy::<H>),
        ];
        for &(n, f) in methods {
            let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
            vm.def_fn(d, n, f);
        }
        let n = vm.new_str(aname)?;
        class_set(vm, cs, "name", n)?;
        class_set(vm, cs, "_alg", Value::int(alg as i64))?;
        class_set(vm, cs, "digest_size", Value::int(ds as i64))?;
        class_set(vm, cs, "block_size", Value::int(bs as i64))?;
        if alg == BLAKE2B || alg == BLAKE2S {
            let (salt, key) = if alg == BLAKE2B { (16, 64) } else { (8, 32) };
            class_set(vm, cs, "SALT_SIZE", Value::int(salt))?;
            class_set(vm, cs, "PERSON_SIZE", Value::int(salt))?;
            class_set(vm, cs, "MAX_KEY_SIZE", Value::int(key))?;
            class_set(vm, cs, "MAX_DIGEST_SIZE", Value::int(key))?;
            let p = if alg == BLAKE2B { "BLAKE2B" } else { "BLAKE2S" };
            for (suffix, v) in [
                ("SALT_SIZE", salt),
                ("PERSON_SIZE", salt),
                ("MAX_KEY_SIZE", key),
                ("MAX_DIGEST_SIZE", key),
            ] {
                let full = format!("{p}_{suffix}");
                vm.module_set(vm.st(ms), &full, Value::int(v))?;
            }
        }
        vm.module_set(vm.st(ms), aname, vm.st(cs))?;
        vm.truncate(cs);
    }
    Ok(())
}

fn class_set<H: Heap>(vm: &mut Vm<H>, cs: usize, name: &str, v: Value) -> PyResult<()> {
    let vs = vm.push(v);
    let k = vm.sym_str(name);
    let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
    vm.dict_set_item(d, k, vm.st(vs))?;
    vm.truncate(vs);
    Ok(())
}

/// The algorithm id of class `cls` (its `_alg` attribute).
fn alg_of_class<H: Heap>(vm: &mut Vm<H>, cls: Value) -> Option<usize> {
    let sym = vm.intern("_alg");
    vm.class_lookup(cls, sym)
        .and_then(|v| v.to_int())
        .map(|i| i as usize)
        .filter(|&i| i < ALGS.len())
}

/// The algorithm id of hash object `slf`, checking it is one.
fn alg_of<H: Heap>(vm: &mut Vm<H>, slf: Value) -> PyResult<usize> {
    if slf.is_obj() && object::kind(slf.as_obj()) == Kind::Instance {
        let cls = vm.type_of(slf);
        if let Some(a) = alg_of_class(vm, cls) {
            return Ok(a);
        }
    }
    Err(vm.type_error("descriptor requires a hash object"))
}

/// Attribute `name` of the instance in stack slot `slot` (read after
/// interning the name, which may allocate).
fn attr<H: Heap>(vm: &mut Vm<H>, slot: usize, name: &str) -> Option<Value> {
    let sym = vm.intern(name);
    vm.inst_get(vm.st(slot).as_obj(), sym)
}

fn set_attr<H: Heap>(vm: &mut Vm<H>, slot: usize, name: &str, v: Value) -> PyResult<()> {
    let vs = vm.push(v);
    let sym = vm.intern(name);
    vm.inst_set(vm.st(slot), sym, vm.st(vs))?;
    vm.truncate(vs);
    Ok(())
}

/// The input so far of hash object `slf` (a copy).
fn input_of<H: Heap>(vm: &mut Vm<H>, slot: usize) -> Vec<u8> {
    let len = attr(vm, slot, "_len").and_then(|v| v.to_int()).unwrap_or(0) as usize;
    match attr(vm, slot, "_buf") {
        Some(b) if b.is_obj() && object::kind(b.as_obj()) == Kind::RawBytes => {
            object::bytes_of(b.as_obj())[..len].to_vec()
        }
        _ => Vec::new(),
    }
}

/// Appends `data` to the input of the hash object in stack slot `slot`.
fn append<H: Heap>(vm: &mut Vm<H>, slot: usize, data: &[u8]) -> PyResult<()> {
    if data.is_empty() {
        return Ok(());
    }
    let len = attr(vm, slot, "_len").and_then(|v| v.to_int()).unwrap_or(0) as usize;
    let cap = match attr(vm, slot, "_buf") {
        Some(b) if b.is_obj() && object::kind(b.as_obj()) == Kind::RawBytes => {
            object::word(b.as_obj(), 0)
        }
        _ => 0,
    };
    let need = len + data.len();
    if need > cap {
        let new_cap = need.max(cap * 2).max(64);
        let nb = vm.new_bytes_kind(Kind::RawBytes, &vec![0u8; new_cap])?;
        let ns = vm.push(nb);
        if let Some(old) = attr(vm, slot, "_buf")
            && old.is_obj()
            && object::kind(old.as_obj()) == Kind::RawBytes
        {
            let src = object::bytes_of(old.as_obj());
            object::bytes_of_mut(vm.st(ns).as_obj())[..len].copy_from_slice(&src[..len]);
        }
        set_attr(vm, slot, "_buf", vm.st(ns))?;
        vm.truncate(ns);
    }
    let b = attr(vm, slot, "_buf").expect("hash buffer");
    object::bytes_of_mut(b.as_obj())[len..need].copy_from_slice(data);
    set_attr(vm, slot, "_len", Value::int(need as i64))
}

/// The bytes of a hash input argument (str is refused as CPython does).
fn data_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Vec<u8>> {
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
        return Err(vm.type_error("Strings must be encoded before hashing"));
    }
    buffer_bytes(vm, v)
}

fn kw_or_pos<H: Heap>(vm: &Vm<H>, a: Args, i: usize, names: &[&str]) -> Option<Value> {
    if i < a.n {
        return Some(vm.arg(a, i));
    }
    names.iter().find_map(|n| vm.kwarg(a, n))
}

/// Optional bytes parameter of blake2 (key/salt/person) with a maximum.
fn blake_bytes<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    name: &str,
    max: usize,
) -> PyResult<Option<Vec<u8>>> {
    let Some(v) = vm.kwarg(a, name) else {
        return Ok(None);
    };
    let b = buffer_bytes(vm, v)?;
    if b.len() > max {
        let msg = format!("maximum {name} length is {max} bytes");
        return Err(vm.value_error(&msg));
    }
    Ok(Some(b))
}

/// BLAKE2 parameters: digest size, key, salt, person.
type BlakeParams = (usize, Vec<u8>, Vec<u8>, Vec<u8>);

/// `cls(data=b'', *, usedforsecurity=True, ...)`: a new hash object.
fn hash_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let cls = vm.arg(a, 0);
    let Some(alg) = alg_of_class(vm, cls) else {
        return Err(vm.type_error("not a hash type"));
    };
    let aname = ALGS[alg].0;
    let blake = alg == BLAKE2B || alg == BLAKE2S;
    if blake {
        vm.check_kwargs(
            a,
            aname,
            &[
                "data",
                "digest_size",
                "key",
                "salt",
                "person",
                "fanout",
                "depth",
                "leaf_size",
                "node_offset",
                "node_depth",
                "inner_size",
                "last_node",
                "usedforsecurity",
            ],
        )?;
    } else {
        vm.check_kwargs(a, aname, &["string", "data", "usedforsecurity"])?;
    }
    vm.check_count(a, aname, 1, 2)?;
    let data = match kw_or_pos(vm, a, 1, &["string", "data"]) {
        Some(v) => data_arg(vm, v)?,
        None => Vec::new(),
    };
    let mut params: Option<BlakeParams> = None;
    if blake {
        let max = ALGS[alg].2;
        let ds = match vm.kwarg(a, "digest_size") {
            Some(v) => match v.to_int() {
                Some(d) if d >= 1 && d as usize <= max => d as usize,
                _ => {
                    let msg = format!("digest_size must be between 1 and {max} bytes");
                    return Err(vm.value_error(&msg));
                }
            },
            None => max,
        };
        let key = blake_bytes(vm, a, "key", max)?.unwrap_or_default();
        let salt = blake_bytes(vm, a, "salt", max / 4)?.unwrap_or_default();
        let person = blake_bytes(vm, a, "person", max / 4)?.unwrap_or_default();
        for (n, default) in [
            ("fanout", 1),
            ("depth", 1),
            ("leaf_size", 0),
            ("node_offset", 0),
            ("node_depth", 0),
            ("inner_size", 0),
        ] {
            if let Some(v) = vm.kwarg(a, n)
                && v.to_int() != Some(default)
            {
                let msg = format!("heaplab: {aname} tree hashing ({n}) is not supported");
                return Err(vm.raise_msg(T_NOT_IMPLEMENTED_ERROR, &msg));
            }
        }
        if let Some(v) = vm.kwarg(a, "last_node")
            && vm.truthy(v)?
        {
            let msg = format!("heaplab: {aname} tree hashing (last_node) is not supported");
            return Err(vm.raise_msg(T_NOT_IMPLEMENTED_ERROR, &msg));
        }
        params = Some((ds, key, salt, person));
    }
    let o = vm.new_instance(vm.arg(a, 0))?;
    let os = vm.push(o);
    set_attr(vm, os, "_len", Value::int(0))?;
    if let Some((ds, key, salt, person)) = params {
        set_attr(vm, os, "digest_size", Value::int(ds as i64))?;
        for (n, b) in [("_key", key), ("_salt", salt), ("_person", person)] {
            let v = vm.new_bytes_kind(Kind::Bytes, &b)?;
            set_attr(vm, os, n, v)?;
        }
    }
    append(vm, os, &data)?;
    let o = vm.st(os);
    vm.truncate(os);
    Ok(o)
}

fn hash_init<H: Heap>(_vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(Value::NONE)
}

fn hash_update<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "update", 2, 2)?;
    alg_of(vm, vm.arg(a, 0))?;
    let data = data_arg(vm, vm.arg(a, 1))?;
    append(vm, a.base, &data)?;
    Ok(Value::NONE)
}

fn bytes_attr<H: Heap>(vm: &mut Vm<H>, slot: usize, name: &str) -> Vec<u8> {
    match attr(vm, slot, name) {
        Some(b) if b.is_obj() && object::kind(b.as_obj()) == Kind::Bytes => {
            object::bytes_of(b.as_obj()).to_vec()
        }
        _ => Vec::new(),
    }
}

/// The digest of hash object `slf` (`length` bytes for SHAKE).
fn compute<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str) -> PyResult<Vec<u8>> {
    let slf = vm.arg(a, 0);
    let alg = alg_of(vm, slf)?;
    let shake = alg == SHAKE_128 || alg == SHAKE_256;
    let mut length = 0usize;
    if shake {
        let aname = ALGS[alg].0;
        if vm.nkw(a) > 0 {
            let msg = format!("{aname}.{name}() takes no keyword arguments");
            return Err(vm.type_error(&msg));
        }
        if a.n != 2 {
            let msg = format!(
                "{aname}.{name}() takes exactly one argument ({} given)",
                a.n - 1
            );
            return Err(vm.type_error(&msg));
        }
        let lv = vm.arg(a, 1);
        match vm.index_value(lv)? {
            Some(l) if l >= 0 => length = l as usize,
            Some(_) => return Err(vm.value_error("length must be non-negative")),
            None => return Err(vm.type_error("length must be an integer")),
        }
    } else {
        vm.check_args(a, name, 1, 1)?;
    }
    let slot = a.base;
    let data = input_of(vm, slot);
    use sha2::Digest;
    use sha3::digest::{ExtendableOutput, Update, XofReader};
    Ok(match alg {
        0 => md5::Md5::digest(&data).to_vec(),
        1 => sha1::Sha1::digest(&data).to_vec(),
        2 => sha2::Sha224::digest(&data).to_vec(),
        3 => sha2::Sha256::digest(&data).to_vec(),
        4 => sha2::Sha384::digest(&data).to_vec(),
        5 => sha2::Sha512::digest(&data).to_vec(),
        6 => sha3::Sha3_224::digest(&data).to_vec(),
        7 => sha3::Sha3_256::digest(&data).to_vec(),
        8 => sha3::Sha3_384::digest(&data).to_vec(),
        9 => sha3::Sha3_512::digest(&data).to_vec(),
        SHAKE_128 | SHAKE_256 => {
            let mut out = vec![0u8; length];
            if alg == SHAKE_128 {
                let mut h = sha3::Shake128::default();
                Update::update(&mut h, &data);
                h.finalize_xof().read(&mut out);
            } else {
                let mut h = sha3::Shake256::default();
                Update::update(&mut h, &data);
                h.finalize_xof().read(&mut out);
            }
            out
        }
        _ => {
            let ds = attr(vm, slot, "digest_size")
                .and_then(|v| v.to_int())
                .unwrap_or(ALGS[alg].2 as i64) as usize;
            let key = bytes_attr(vm, slot, "_key");
            let salt = bytes_attr(vm, slot, "_salt");
            let person = bytes_attr(vm, slot, "_person");
            if alg == BLAKE2B {
                blake2b_digest(&data, &key, &salt, &person, ds)
            } else {
                blake2s_digest(&data, &key, &salt, &person, ds)
            }
        }
    })
}

/// BLAKE2 with the sequential-mode parameter block: digest size, key,
/// salt and personalisation (the key is hashed as a first, padded block).
macro_rules! blake2_fn {
    ($name:ident, $core:ty, $block:expr) => {
        fn $name(data: &[u8], key: &[u8], salt: &[u8], person: &[u8], ds: usize) -> Vec<u8> {
            use blake2::digest::core_api::{Buffer, UpdateCore, VariableOutputCore};
            let mut core = <$core>::new_with_params(salt, person, key.len(), ds);
            let mut buf = Buffer::<$core>::default();
            if !key.is_empty() {
                let mut block = [0u8; $block];
                block[..key.len()].copy_from_slice(key);
                buf.digest_blocks(&block, |b| core.update_blocks(b));
            }
            buf.digest_blocks(data, |b| core.update_blocks(b));
            let mut out = Default::default();
            core.finalize_variable_core(&mut buf, &mut out);
            out[..ds].to_vec()
        }
    };
}
blake2_fn!(blake2b_digest, blake2::Blake2bVarCore, 128);
blake2_fn!(blake2s_digest, blake2::Blake2sVarCore, 64);

fn hash_digest<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let d = compute(vm, a, "digest")?;
    vm.new_bytes_kind(Kind::Bytes, &d)
}

fn hash_hexdigest<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let d = compute(vm, a, "hexdigest")?;
    let h = hex_with_sep(&d, None, 0);
    // Hex digits are ASCII, so the bytes are valid UTF-8.
    vm.new_str(std::str::from_utf8(&h).unwrap_or(""))
}

fn hash_copy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "copy", 1, 1)?;
    let slf = vm.arg(a, 0);
    alg_of(vm, slf)?;
    let cls = vm.type_of(vm.arg(a, 0));
    let o = vm.new_instance(cls)?;
    let os = vm.push(o);
    set_attr(vm, os, "_len", Value::int(0))?;
    for n in ["digest_size", "_key", "_salt", "_person"] {
        if let Some(v) = attr(vm, a.base, n) {
            set_attr(vm, os, n, v)?;
        }
    }
    let data = input_of(vm, a.base);
    append(vm, os, &data)?;
    let o = vm.st(os);
    vm.truncate(os);
    Ok(o)
}
