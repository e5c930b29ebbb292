//! Lists, dicts and sets as heap objects.
//!
//! * list: `[items: Array][len]`, amortised growth by reallocation;
//! * dict: CPython's compact layout — an insertion-ordered entry array of
//!   `(hash, key, value)` triples plus a sparse index of `i32` entry numbers
//!   (open addressing with perturbation), so iteration is insertion order;
//! * set: CPython's table of `(hash, key)` with linear probes then
//!   perturbation, so iteration order matches CPython for the same inserts.
//!
//! Lookups may call `__eq__`/`__hash__` in Python, which may collect, so the
//! container and key are rooted on the VM stack and re-read after each call.

use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::{Heap, ObjectRef};

const DKIX_EMPTY: i32 = -1;
const DKIX_DUMMY: i32 = -2;
const PERTURB_SHIFT: u32 = 5;
const LINEAR_PROBES: usize = 9;
const SET_MINSIZE: usize = 8;

impl<H: Heap> Vm<H> {
    // ------------------------------------------------------------------ list

    /// Number of items of a list.
    #[inline]
    pub fn list_len(l: Value) -> usize {
        object::word(l.as_obj(), field::LIST_LEN)
    }

    /// The backing array of a list.
    #[inline]
    pub fn list_items(l: Value) -> ObjectRef {
        object::get(l.as_obj(), field::LIST_ITEMS).as_obj()
    }

    /// Item `i` of a list (in bounds).
    #[inline]
    pub fn list_get(l: Value, i: usize) -> Value {
        object::array_get(Self::list_items(l), i)
    }

    /// Stores item `i` of a list (in bounds), with the barrier.
    #[inline]
    pub fn list_set(&mut self, l: Value, i: usize, v: Value) {
        let arr = Self::list_items(l);
        self.store(arr, 1 + i, v);
    }

    /// Makes room for `extra` more items.
    pub fn list_reserve(&mut self, l: Value, extra: usize) -> PyResult<()> {
        let len = Self::list_len(l);
        let cap = object::array_len(Self::list_items(l));
        if len + extra <= cap {
            return Ok(());
        }
        let new_cap = (len + extra).max(cap + cap / 2 + 4);
        let mark = self.push(l);
        let arr = self.alloc_array(Kind::Array, new_cap)?;
        let l = self.st(mark);
        let old = Self::list_items(l);
        for i in 0..len {
            object::init(arr, 1 + i, object::array_get(old, i));
        }
        self.store(l.as_obj(), field::LIST_ITEMS, Value::obj(arr));
        self.truncate(mark);
        Ok(())
    }

    /// `l.append(v)`.
    pub fn list_append(&mut self, l: Value, v: Value) -> PyResult<()> {
        let len = Self::list_len(l);
        if len < object::array_len(Self::list_items(l)) {
            self.list_set(l, len, v);
            object::set_word(l.as_obj(), field::LIST_LEN, len + 1);
            return Ok(());
        }
        let mark = self.push(l);
        self.push(v);
        self.list_reserve(l, 1)?;
        let (l, v) = (self.st(mark), self.st(mark + 1));
        self.truncate(mark);
        self.list_set(l, len, v);
        object::set_word(l.as_obj(), field::LIST_LEN, len + 1);
        Ok(())
    }

    /// `l.extend(iterable)`.
    pub fn list_extend(&mut self, l: Value, src: Value) -> PyResult<()> {
        let mark = self.push(l);
        if src.is_obj() && matches!(object::kind(src.as_obj()), Kind::List | Kind::Tuple) {
            let s = self.push(src);
            let n = self.seq_len(src);
            self.list_reserve(l, n)?;
            for i in 0..n {
                let v = self.seq_get(self.st(s), i);
                let l = self.st(mark);
                self.list_append(l, v)?;
            }
            self.truncate(mark);
            return Ok(());
        }
        let it = self.get_iter(src)?;
        let its = self.push(it);
        while let Some(v) = self.iter_next(its)? {
            let l = self.st(mark);
            self.list_append(l, v)?;
        }
        self.truncate(mark);
        Ok(())
    }

    /// A tuple with a list's items.
    pub fn list_to_tuple(&mut self, l: Value) -> PyResult {
        let n = Self::list_len(l);
        let mark = self.push(l);
        let t = self.alloc_array(Kind::Tuple, n)?;
        let l = self.st(mark);
        for i in 0..n {
            object::init(t, 1 + i, Self::list_get(l, i));
        }
        self.truncate(mark);
        Ok(Value::obj(t))
    }

    /// Length of a list or tuple.
    #[inline]
    pub fn seq_len(&self, v: Value) -> usize {
        match object::kind(v.as_obj()) {
            Kind::List => Self::list_len(v),
            _ => object::array_len(v.as_obj()),
        }
    }

    /// Item `i` of a list or tuple (in bounds).
    #[inline]
    pub fn seq_get(&self, v: Value, i: usize) -> Value {
        match object::kind(v.as_obj()) {
            Kind::List => Self::list_get(v, i),
            _ => object::array_get(v.as_obj(), i),
        }
    }

    // ------------------------------------------------------------------ dict

    /// An empty dict.
    pub fn new_dict(&mut self) -> PyResult {
        self.new_dict_sized(8)
    }

    fn new_dict_sized(&mut self, index_size: usize) -> PyResult {
        let cap = index_size * 2 / 3;
        let entries = self.alloc_array(Kind::Array, 3 * cap)?;
        let mark = self.push(Value::obj(entries));
        let index = self.new_bytes_kind(Kind::RawBytes, &vec![0xffu8; index_size * 4])?;
        self.push(index);
        let d = self.alloc_fixed(Kind::Dict)?;
        object::init(d, field::DICT_ENTRIES, self.st(mark));
        object::init(d, field::DICT_INDEX, self.st(mark + 1));
        object::set_word(d, field::DICT_LEN, 0);
        object::set_word(d, field::DICT_USED, 0);
        self.bump_dict_version(Value::obj(d));
        self.truncate(mark);
        Ok(Value::obj(d))
    }

    /// Marks a change of `d`'s key set (see `field::DICT_VERSION`).
    #[inline]
    pub fn bump_dict_version(&mut self, d: Value) {
        self.rt.dict_versions += 1;
        object::set_word(
            d.as_obj(),
            field::DICT_VERSION,
            self.rt.dict_versions as usize,
        );
    }

    /// The version of `d`'s key set.
    #[inline]
    pub fn dict_version(d: Value) -> usize {
        object::word(d.as_obj(), field::DICT_VERSION)
    }

    /// Number of items in a dict.
    #[inline]
    pub fn dict_len(d: Value) -> usize {
        object::word(d.as_obj(), field::DICT_LEN)
    }

    /// Entries used (live and deleted), the iteration bound.
    #[inline]
    pub fn dict_used(d: Value) -> usize {
        object::word(d.as_obj(), field::DICT_USED)
    }

    /// Entry `i`: (key, value), key NULL/DUMMY when deleted.
    #[inline]
    pub fn dict_entry(d: Value, i: usize) -> (Value, Value) {
        let e = object::get(d.as_obj(), field::DICT_ENTRIES).as_obj();
        (
            object::array_get(e, 3 * i + 1),
            object::array_get(e, 3 * i + 2),
        )
    }

    fn dict_index(d: Value) -> &'static mut [i32] {
        let idx = object::get(d.as_obj(), field::DICT_INDEX).as_obj();
        let b = object::bytes_of_mut(idx);
        // SAFETY: the index object holds 4-byte aligned i32 slots (its
        // payload starts 8-aligned); no safepoint occurs while the slice is
        // used, as callers re-fetch it after anything that may allocate.
        unsafe { std::slice::from_raw_parts_mut(b.as_mut_ptr() as *mut i32, b.len() / 4) }
    }

    /// Finds `key` (hash `h`); returns (index slot, entry number). The dict
    /// is at stack slot `ds`, the key at `ks`.
    fn dict_find(&mut self, ds: usize, ks: usize, h: i64) -> PyResult<(usize, Option<usize>)> {
        'restart: loop {
            let d = self.st(ds);
            let index = Self::dict_index(d);
            let mask = index.len() - 1;
            let mut i = (h as u64 as usize) & mask;
            let mut perturb = h as u64;
            let mut free: Option<usize> = None;
            loop {
                let ix = index[i];
                if ix == DKIX_EMPTY {
                    return Ok((free.unwrap_or(i), None));
                }
                if ix == DKIX_DUMMY {
                    free.get_or_insert(i);
                } else {
                    let e = object::get(d.as_obj(), field::DICT_ENTRIES).as_obj();
                    let eh = object::array_get(e, 3 * ix as usize);
                    let ek = object::array_get(e, 3 * ix as usize + 1);
                    let key = self.st(ks);
                    if ek == key {
                        return Ok((i, Some(ix as usize)));
                    }
                    if eh.as_int() == h {
                        let used_before = Self::dict_used(d);
                        let idx_before = object::word(d.as_obj(), field::DICT_INDEX);
                        let eq = self.eq(ek, key)?;
                        let d2 = self.st(ds);
                        if object::word(d2.as_obj(), field::DICT_INDEX) != idx_before
                            || Self::dict_used(d2) != used_before
                        {
                            continue 'restart;
                        }
                        if eq {
                            return Ok((i, Some(ix as usize)));
                        }
                    }
                }
                perturb >>= PERTURB_SHIFT;
                i = (i
                    .wrapping_mul(5)
                    .wrapping_add(1)
                    .wrapping_add(perturb as usize))
                    & mask;
            }
        }
    }

    /// `d[key]` if present.
    pub fn dict_get_item(&mut self, d: Value, key: Value) -> PyResult<Option<Value>> {
        if Self::dict_len(d) == 0 {
            return Ok(None);
        }
        let mark = self.push(d);
        self.push(key);
        let h = crate::ops::table_hash(self.hash(key)?);
        let r = self.dict_find(mark, mark + 1, h);
        let d = self.st(mark);
        self.truncate(mark);
        Ok(r?.1.map(|ix| Self::dict_entry(d, ix).1))
    }

    /// `d[key] = v`.
    pub fn dict_set_item(&mut self, d: Value, key: Value, v: Value) -> PyResult<()> {
        let mark = self.push(d);
        self.push(key);
        self.push(v);
        let h = crate::ops::table_hash(self.hash(key)?);
        let (_, found) = self.dict_find(mark, mark + 1, h)?;
        if let Some(ix) = found {
            let d = self.st(mark);
            let e = object::get(d.as_obj(), field::DICT_ENTRIES).as_obj();
            let v = self.st(mark + 2);
            self.store(e, 1 + 3 * ix + 2, v);
            self.truncate(mark);
            return Ok(());
        }
        // Grow when the entry array is full.
        let d = self.st(mark);
        let e = object::get(d.as_obj(), field::DICT_ENTRIES).as_obj();
        if Self::dict_used(d) * 3 >= object::array_len(e) {
            self.dict_resize(mark, Self::dict_len(d) * 3)?;
        }
        let (slot, _) = self.dict_find(mark, mark + 1, h)?;
        let d = self.st(mark);
        let e = object::get(d.as_obj(), field::DICT_ENTRIES).as_obj();
        let n = Self::dict_used(d);
        object::set_word(e, 1 + 3 * n, Value::int(h >> 1 << 1 >> 1).0 as usize);
        object::set_word(
            e,
            1 + 3 * n,
            Value::try_int(h).unwrap_or(Value::int(h >> 2)).0 as usize,
        );
        let (k, v) = (self.st(mark + 1), self.st(mark + 2));
        self.store(e, 1 + 3 * n + 1, k);
        self.store(e, 1 + 3 * n + 2, v);
        Self::dict_index(d)[slot] = n as i32;
        object::set_word(d.as_obj(), field::DICT_USED, n + 1);
        self.bump_dict_version(d);
        object::set_word(d.as_obj(), field::DICT_LEN, Self::dict_len(d) + 1);
        self.truncate(mark);
        Ok(())
    }

    /// Rebuilds the dict at stack slot `ds` with room for `min_used` entries.
    fn dict_resize(&mut self, ds: usize, min_used: usize) -> PyResult<()> {
        let mut size = 8;
        while size * 2 / 3 <= min_used.max(5) {
            size *= 2;
        }
        let nd = self.new_dict_sized(size)?;
        let nds = self.push(nd);
        let d = self.st(ds);
        let used = Self::dict_used(d);
        let ne = object::get(nd.as_obj(), field::DICT_ENTRIES).as_obj();
        let oe = object::get(d.as_obj(), field::DICT_ENTRIES).as_obj();
        let index = Self::dict_index(nd);
        let mask = index.len() - 1;
        let mut n = 0;
        for i in 0..used {
            let k = object::array_get(oe, 3 * i + 1);
            if k.is_null() || k == Value::DUMMY {
                continue;
            }
            let hv = object::array_get(oe, 3 * i);
            object::set_word(ne, 1 + 3 * n, hv.0 as usize);
            // The entry array was allocated before the index: a safepoint
            // came between, so these stores go through the barrier.
            self.store(ne, 1 + 3 * n + 1, k);
            self.store(ne, 1 + 3 * n + 2, object::array_get(oe, 3 * i + 2));
            let h = hv.as_int();
            let mut j = (h as u64 as usize) & mask;
            let mut perturb = h as u64;
            while index[j] != DKIX_EMPTY {
                perturb >>= PERTURB_SHIFT;
                j = (j
                    .wrapping_mul(5)
                    .wrapping_add(1)
                    .wrapping_add(perturb as usize))
                    & mask;
            }
            index[j] = n as i32;
            n += 1;
        }
        let d = self.st(ds);
        let nd = self.st(nds);
        self.store(
            d.as_obj(),
            field::DICT_ENTRIES,
            object::get(nd.as_obj(), field::DICT_ENTRIES),
        );
        self.store(
            d.as_obj(),
            field::DICT_INDEX,
            object::get(nd.as_obj(), field::DICT_INDEX),
        );
        object::set_word(d.as_obj(), field::DICT_USED, n);
        self.bump_dict_version(d);
        object::set_word(d.as_obj(), field::DICT_LEN, n);
        self.truncate(nds);
        Ok(())
    }

    /// `del d[key]`; returns whether it was present.
    pub fn dict_del_item(&mut self, d: Value, key: Value) -> PyResult<bool> {
        let mark = self.push(d);
        self.push(key);
        let h = crate::ops::table_hash(self.hash(key)?);
        let (slot, found) = self.dict_find(mark, mark + 1, h)?;
        let d = self.st(mark);
        self.truncate(mark);
        let Some(ix) = found else { return Ok(false) };
        let e = object::get(d.as_obj(), field::DICT_ENTRIES).as_obj();
        self.store(e, 1 + 3 * ix + 1, Value::DUMMY);
        self.store(e, 1 + 3 * ix + 2, Value::NULL);
        Self::dict_index(d)[slot] = DKIX_DUMMY;
        self.bump_dict_version(d);
        object::set_word(d.as_obj(), field::DICT_LEN, Self::dict_len(d) - 1);
        Ok(true)
    }

    /// `d.update(other)` for a dict, a mapping (anything with `keys()`,
    /// such as a dict subclass) or an iterable of pairs.
    pub fn dict_update(&mut self, d: Value, other: Value) -> PyResult<()> {
        let mark = self.push(d);
        let os = self.push(other);
        let keys = if other.is_obj() && object::kind(other.as_obj()) == Kind::Dict {
            None
        } else {
            let sym = self.intern("keys");
            // Re-read `other`: interning may have allocated.
            self.getattr_opt(self.st(os), sym)?
        };
        if let Some(keys) = keys {
            let f = self.push(keys);
            let ks = self.call(self.st(f), Args::positional(self.rt.sp, 0))?;
            let it = self.get_iter(ks)?;
            let its = self.push(it);
            while let Some(k) = self.iter_next(its)? {
                let kslot = self.push(k);
                let v = self.getitem(self.st(os), k)?;
                let d = self.st(mark);
                self.dict_set_item(d, self.st(kslot), v)?;
                self.truncate(kslot);
            }
            self.truncate(mark);
            return Ok(());
        }
        // Looking up `keys` may have collected: re-read `other`.
        let other = self.st(os);
        if other.is_obj() && object::kind(other.as_obj()) == Kind::Dict {
            let mut i = 0;
            while i < Self::dict_used(self.st(os)) {
                let (k, v) = Self::dict_entry(self.st(os), i);
                i += 1;
                if k.is_null() || k == Value::DUMMY {
                    continue;
                }
                let d = self.st(mark);
                self.dict_set_item(d, k, v)?;
            }
        } else {
            let it = self.get_iter(other)?;
            let its = self.push(it);
            while let Some(pair) = self.iter_next(its)? {
                let ps = self.push(pair);
                let t = self.new_list(2)?;
                let ts = self.push(t);
                self.list_extend(t, self.st(ps))?;
                let t = self.st(ts);
                if Self::list_len(t) != 2 {
                    let msg = format!(
                        "dictionary update sequence element has length {}; 2 is required",
                        Self::list_len(t)
                    );
                    return Err(self.value_error(&msg));
                }
                let (k, v) = (Self::list_get(t, 0), Self::list_get(t, 1));
                let d = self.st(mark);
                self.dict_set_item(d, k, v)?;
                self.truncate(ps);
            }
        }
        self.truncate(mark);
        Ok(())
    }

    // ------------------------------------------------------------------- set

    /// An empty set or frozenset.
    pub fn new_set(&mut self, k: Kind) -> PyResult {
        let table = self.alloc_array(Kind::Array, 2 * SET_MINSIZE)?;
        let mark = self.push(Value::obj(table));
        let s = self.alloc_fixed(k)?;
        object::init(s, field::SET_TABLE, self.st(mark));
        object::set_word(s, field::SET_FILL, 0);
        object::set_word(s, field::SET_USED, 0);
        object::set_word(s, field::SET_MASK, SET_MINSIZE - 1);
        self.truncate(mark);
        Ok(Value::obj(s))
    }

    /// Number of items of a set.
    #[inline]
    pub fn set_len(s: Value) -> usize {
        object::word(s.as_obj(), field::SET_USED)
    }

    /// Table slots of a set (iteration bound).
    #[inline]
    pub fn set_slots(s: Value) -> usize {
        object::word(s.as_obj(), field::SET_MASK) + 1
    }

    /// Key at table slot `i` (NULL or DUMMY when empty).
    #[inline]
    pub fn set_key_at(s: Value, i: usize) -> Value {
        let t = object::get(s.as_obj(), field::SET_TABLE).as_obj();
        object::array_get(t, 2 * i + 1)
    }

    /// Finds `key` in the set at stack slot `ss`: Ok((slot, found)).
    fn set_find(&mut self, ss: usize, ks: usize, h: i64) -> PyResult<(usize, bool)> {
        'restart: loop {
            let s = self.st(ss);
            let mask = object::word(s.as_obj(), field::SET_MASK);
            let mut i = (h as u64 as usize) & mask;
            let mut perturb = h as u64;
            let mut free: Option<usize> = None;
            loop {
                let probes = if i + LINEAR_PROBES <= mask {
                    LINEAR_PROBES
                } else {
                    0
                };
                let mut j = i;
                for _ in 0..=probes {
                    let t = object::get(self.st(ss).as_obj(), field::SET_TABLE).as_obj();
                    let ek = object::array_get(t, 2 * j + 1);
                    if ek.is_null() {
                        return Ok((free.unwrap_or(j), false));
                    }
                    if ek == Value::DUMMY {
                        free.get_or_insert(j);
                    } else {
                        let key = self.st(ks);
                        if ek == key {
                            return Ok((j, true));
                        }
                        let eh = object::array_get(t, 2 * j).as_int();
                        if eh == h {
                            let table_before = object::word(self.st(ss).as_obj(), field::SET_TABLE);
                            let eq = self.eq(ek, key)?;
                            if object::word(self.st(ss).as_obj(), field::SET_TABLE) != table_before
                            {
                                continue 'restart;
                            }
                            if eq {
                                return Ok((j, true));
                            }
                        }
                    }
                    j += 1;
                }
                perturb >>= PERTURB_SHIFT;
                i = (i
                    .wrapping_mul(5)
                    .wrapping_add(1)
                    .wrapping_add(perturb as usize))
                    & mask;
            }
        }
    }

    /// `key in s`.
    pub fn set_contains(&mut self, s: Value, key: Value) -> PyResult<bool> {
        let mark = self.push(s);
        self.push(key);
        let h = crate::ops::table_hash(self.hash(key)?);
        let r = self.set_find(mark, mark + 1, h);
        self.truncate(mark);
        Ok(r?.1)
    }

    /// `s.add(key)`.
    pub fn set_add(&mut self, s: Value, key: Value) -> PyResult<()> {
        let mark = self.push(s);
        self.push(key);
        let h = crate::ops::table_hash(self.hash(key)?);
        let (slot, found) = self.set_find(mark, mark + 1, h)?;
        if !found {
            let s = self.st(mark);
            let so = s.as_obj();
            let t = object::get(so, field::SET_TABLE).as_obj();
            let was_empty = object::array_get(t, 2 * slot + 1).is_null();
            object::set_word(
                t,
                1 + 2 * slot,
                Value::try_int(h).unwrap_or(Value::int(h >> 2)).0 as usize,
            );
            let k = self.st(mark + 1);
            self.store(t, 1 + 2 * slot + 1, k);
            let used = object::word(so, field::SET_USED) + 1;
            object::set_word(so, field::SET_USED, used);
            if was_empty {
                let fill = object::word(so, field::SET_FILL) + 1;
                object::set_word(so, field::SET_FILL, fill);
                let mask = object::word(so, field::SET_MASK);
                if fill * 5 >= mask * 3 {
                    self.set_resize(mark, if used > 50000 { used * 2 } else { used * 4 })?;
                }
            }
        }
        self.truncate(mark);
        Ok(())
    }

    fn set_resize(&mut self, ss: usize, minused: usize) -> PyResult<()> {
        let mut size = SET_MINSIZE;
        while size <= minused {
            size <<= 1;
        }
        let nt = self.alloc_array(Kind::Array, 2 * size)?;
        let s = self.st(ss);
        let so = s.as_obj();
        let ot = object::get(so, field::SET_TABLE).as_obj();
        let omask = object::word(so, field::SET_MASK);
        let mask = size - 1;
        for i in 0..=omask {
            let k = object::array_get(ot, 2 * i + 1);
            if k.is_null() || k == Value::DUMMY {
                continue;
            }
            let hv = object::array_get(ot, 2 * i);
            let h = hv.as_int();
            let mut j = (h as u64 as usize) & mask;
            let mut perturb = h as u64;
            'place: loop {
                if object::array_get(nt, 2 * j + 1).is_null() {
                    break 'place;
                }
                if j + LINEAR_PROBES <= mask {
                    for _ in 0..LINEAR_PROBES {
                        j += 1;
                        if object::array_get(nt, 2 * j + 1).is_null() {
                            break 'place;
                        }
                    }
                }
                perturb >>= PERTURB_SHIFT;
                j = (j
                    .wrapping_mul(5)
                    .wrapping_add(1)
                    .wrapping_add(perturb as usize))
                    & mask;
                if object::array_get(nt, 2 * j + 1).is_null() {
                    break 'place;
                }
            }
            object::init(nt, 1 + 2 * j, hv);
            object::init(nt, 1 + 2 * j + 1, k);
        }
        let used = object::word(so, field::SET_USED);
        self.store(so, field::SET_TABLE, Value::obj(nt));
        object::set_word(so, field::SET_MASK, mask);
        object::set_word(so, field::SET_FILL, used);
        Ok(())
    }

    /// `s.discard(key)`; returns whether it was present.
    pub fn set_discard(&mut self, s: Value, key: Value) -> PyResult<bool> {
        let mark = self.push(s);
        self.push(key);
        let h = crate::ops::table_hash(self.hash(key)?);
        let (slot, found) = self.set_find(mark, mark + 1, h)?;
        let s = self.st(mark);
        self.truncate(mark);
        if found {
            let so = s.as_obj();
            let t = object::get(so, field::SET_TABLE).as_obj();
            object::set_word(t, 1 + 2 * slot, Value::int(-1).0 as usize);
            self.store(t, 1 + 2 * slot + 1, Value::DUMMY);
            object::set_word(so, field::SET_USED, object::word(so, field::SET_USED) - 1);
        }
        Ok(found)
    }

    /// Adds every item of `iterable` to set `s`.
    pub fn set_update(&mut self, s: Value, iterable: Value) -> PyResult<()> {
        let mark = self.push(s);
        let it = self.get_iter(iterable)?;
        let its = self.push(it);
        while let Some(v) = self.iter_next(its)? {
            let s = self.st(mark);
            self.set_add(s, v)?;
        }
        self.truncate(mark);
        Ok(())
    }
}
