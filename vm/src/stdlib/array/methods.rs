//! The named methods of the `array` class (building, searching, byte and
//! text images, files) and its attributes, printing and pickling. Each
//! reads its array's storage ([`super::store`]) afresh after anything
//! that can allocate or run Python code.

use super::compare::find;
use super::sequence::{in_range, index_error};
use super::store::{
    Item, STORE_ATTR, Store, append_bytes, convert, encode, item_value, splice, store_of,
};
use super::{base_class, new_array, this};
use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// How many bytes `tofile` hands to each `write` call (CPython's block).
const FILE_BLOCK: usize = 64 * 1024;

/// How many packed bytes an extension gathers before storing them.
const EXTEND_CHUNK: usize = 64 * 1024;

/// Appends the items of the iterable at stack slot `src` to the array
/// rooted at `os`, converting each; items before a failing one stay.
pub(super) fn extend_from_iterable<H: Heap>(vm: &mut Vm<H>, os: usize, src: usize) -> PyResult<()> {
    let code = store_of(vm, vm.st(os)).expect("an array").code;
    let it = vm.get_iter(vm.st(src))?;
    let its = vm.push(it);
    let mut packed = Vec::new();
    let failed = loop {
        match vm.iter_next(its) {
            Ok(Some(v)) => match convert(vm, code, v) {
                Ok(item) => encode(code, item, &mut packed),
                Err(e) => break Some(e),
            },
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
        if packed.len() >= EXTEND_CHUNK {
            if let Err(e) = append_bytes(vm, os, &packed) {
                break Some(e);
            }
            packed.clear();
        }
    };
    vm.truncate(its);
    let stored = append_bytes(vm, os, &packed);
    match failed {
        Some(e) => Err(e),
        None => stored,
    }
}
// ------------------------------------------------------------ building

/// `a.append(x)`.
pub(super) fn array_append<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "append", 1, 1)?;
    let code = this(vm, a, "append")?.code;
    let item = convert(vm, code, vm.arg(a, 1))?;
    let mut packed = Vec::with_capacity(8);
    encode(code, item, &mut packed);
    append_bytes(vm, a.base, &packed)?;
    Ok(Value::NONE)
}

/// `a.extend(iterable)`.
pub(super) fn array_extend<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "extend", 1, 1)?;
    let s = this(vm, a, "extend")?;
    if let Some(o) = store_of(vm, vm.arg(a, 1)) {
        if o.code != s.code {
            return Err(vm.type_error("can only extend with array of same kind"));
        }
        let data = o.bytes().to_vec();
        append_bytes(vm, a.base, &data)?;
    } else {
        extend_from_iterable(vm, a.base, a.base + 1)?;
    }
    Ok(Value::NONE)
}

/// `a.insert(i, x)`.
pub(super) fn array_insert<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "insert", 2, 2)?;
    let code = this(vm, a, "insert")?.code;
    let i = vm.index_int(vm.arg(a, 1))?;
    let item = convert(vm, code, vm.arg(a, 2))?;
    let n = store_of(vm, vm.arg(a, 0)).expect("an array").len() as i64;
    let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
    let mut packed = Vec::with_capacity(8);
    encode(code, item, &mut packed);
    let off = at * code.size();
    splice(vm, a.base, off, off, &packed)?;
    Ok(Value::NONE)
}

/// `a.pop([i])`.
pub(super) fn array_pop<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "pop", 0, 1)?;
    this(vm, a, "pop")?;
    let i = if a.n > 1 {
        vm.index_int(vm.arg(a, 1))?
    } else {
        -1
    };
    let s = store_of(vm, vm.arg(a, 0)).expect("an array");
    if s.len() == 0 {
        return Err(index_error(vm, "pop from empty array"));
    }
    let Some(at) = in_range(i, s.len()) else {
        return Err(index_error(vm, "pop index out of range"));
    };
    let item = s.get(at);
    let size = s.code.size();
    splice(vm, a.base, at * size, (at + 1) * size, &[])?;
    item_value(vm, item)
}

/// `a.remove(x)`.
pub(super) fn array_remove<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "remove", 1, 1)?;
    this(vm, a, "remove")?;
    let Some(at) = find(vm, a.base, a.base + 1, 0, usize::MAX)? else {
        return Err(vm.value_error("array.remove(x): x not in array"));
    };
    let size = store_of(vm, vm.arg(a, 0)).expect("an array").code.size();
    splice(vm, a.base, at * size, (at + 1) * size, &[])?;
    Ok(Value::NONE)
}

/// A `start`/`stop` bound of `index`, normalised against `n`.
fn bound<H: Heap>(vm: &mut Vm<H>, v: Value, n: usize) -> PyResult<usize> {
    let Some(i) = vm.index_value(v)? else {
        return Err(vm.type_error("slice indices must be integers or have an __index__ method"));
    };
    Ok(if i < 0 {
        (i + n as i64).max(0) as usize
    } else {
        i as usize
    })
}

/// `a.index(x[, start[, stop]])`.
pub(super) fn array_index<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "index", 1, 3)?;
    let n = this(vm, a, "index")?.len();
    let start = if a.n > 2 {
        bound(vm, vm.arg(a, 2), n)?
    } else {
        0
    };
    let stop = if a.n > 3 {
        bound(vm, vm.arg(a, 3), n)?
    } else {
        usize::MAX
    };
    match find(vm, a.base, a.base + 1, start, stop)? {
        Some(i) => Ok(Value::int(i as i64)),
        None => Err(vm.value_error("array.index(x): x not in array")),
    }
}

/// `a.count(x)`.
pub(super) fn array_count<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "count", 1, 1)?;
    this(vm, a, "count")?;
    let mut count = 0;
    let mut from = 0;
    while let Some(i) = find(vm, a.base, a.base + 1, from, usize::MAX)? {
        count += 1;
        from = i + 1;
    }
    Ok(Value::int(count))
}

/// `a.reverse()`.
pub(super) fn array_reverse<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "reverse", 0, 0)?;
    let s = this(vm, a, "reverse")?;
    let size = s.code.size();
    let b = s.bytes_mut();
    b.reverse();
    // Reversing the bytes reversed each item's bytes too: undo that.
    for item in b.chunks_exact_mut(size) {
        item.reverse();
    }
    Ok(Value::NONE)
}

/// `a.byteswap()`.
pub(super) fn array_byteswap<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "byteswap", 0, 0)?;
    let s = this(vm, a, "byteswap")?;
    for item in s.bytes_mut().chunks_exact_mut(s.code.size()) {
        item.reverse();
    }
    Ok(Value::NONE)
}

/// `a.buffer_info()`: (address of the items now, length). The address
/// changes when a moving collector moves the storage.
pub(super) fn array_buffer_info<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "buffer_info", 0, 0)?;
    let s = this(vm, a, "buffer_info")?;
    let n = Value::int(s.len() as i64);
    let addr = vm.new_int((s.bytes().as_ptr() as usize).into())?;
    vm.new_tuple(&[addr, n])
}

/// `a.tobytes()`.
pub(super) fn array_tobytes<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "tobytes", 0, 0)?;
    let data = this(vm, a, "tobytes")?.bytes().to_vec();
    vm.new_bytes_kind(Kind::Bytes, &data)
}

/// The bytes of a `frombytes` argument: bytes, bytearray, or an array of
/// one-byte items (CPython refuses buffers of wider items here).
fn buffer_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Vec<u8>> {
    if store_of(vm, v).is_some_and(|s| s.code.size() != 1) {
        return Err(vm.type_error("a bytes-like object is required"));
    }
    let exported = super::exported_buffer(vm, v);
    if let Some(b) = vm.byte_contents(exported.unwrap_or(v)) {
        return Ok(b);
    }
    let msg = format!("a bytes-like object is required, not '{}'", vm.type_name(v));
    Err(vm.type_error(&msg))
}

/// `a.frombytes(buffer)`.
pub(super) fn array_frombytes<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "frombytes", 1, 1)?;
    let size = this(vm, a, "frombytes")?.code.size();
    let data = buffer_arg(vm, vm.arg(a, 1))?;
    if !data.len().is_multiple_of(size) {
        return Err(vm.value_error("bytes length not a multiple of item size"));
    }
    append_bytes(vm, a.base, &data)?;
    Ok(Value::NONE)
}

/// The items of the array at stack slot `slot` as a new list.
fn to_list<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult {
    let n = store_of(vm, vm.st(slot)).expect("an array").len();
    let l = vm.new_list(n)?;
    let ls = vm.push(l);
    let mut i = 0;
    while let Some(s) = store_of(vm, vm.st(slot)).filter(|s| i < s.len()) {
        let v = item_value(vm, s.get(i)).and_then(|v| vm.list_append(vm.st(ls), v));
        if let Err(e) = v {
            vm.truncate(ls);
            return Err(e);
        }
        i += 1;
    }
    let l = vm.st(ls);
    vm.truncate(ls);
    Ok(l)
}

/// `a.tolist()`.
pub(super) fn array_tolist<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "tolist", 0, 0)?;
    this(vm, a, "tolist")?;
    to_list(vm, a.base)
}

/// `a.fromlist(list)`: all items or none.
pub(super) fn array_fromlist<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "fromlist", 1, 1)?;
    let code = this(vm, a, "fromlist")?.code;
    let l = Vm::<H>::unbox(vm.arg(a, 1));
    if !(l.is_obj() && object::kind(l.as_obj()) == Kind::List) {
        return Err(vm.type_error("arg must be list"));
    }
    let mut packed = Vec::new();
    let mut i = 0;
    loop {
        let l = Vm::<H>::unbox(vm.arg(a, 1));
        if i >= Vm::<H>::list_len(l) {
            break;
        }
        let item = convert(vm, code, Vm::<H>::list_get(l, i))?;
        encode(code, item, &mut packed);
        i += 1;
    }
    append_bytes(vm, a.base, &packed)?;
    Ok(Value::NONE)
}

/// The string of a `'u'` array's items.
fn unicode_of<H: Heap>(vm: &mut Vm<H>, s: Store) -> PyResult<String> {
    let mut out = String::with_capacity(s.len());
    for i in 0..s.len() {
        let Item::Char(c) = s.get(i) else {
            unreachable!("a 'u' array holds characters")
        };
        match char::from_u32(c) {
            Some(ch) => out.push(ch),
            None => {
                let msg = format!("character U+{c:x} is not in range [U+0000; U+10ffff]");
                return Err(vm.value_error(&msg));
            }
        }
    }
    Ok(out)
}

/// `a.tounicode()`.
pub(super) fn array_tounicode<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "tounicode", 0, 0)?;
    let s = this(vm, a, "tounicode")?;
    if !s.code.is_unicode() {
        return Err(vm.value_error("tounicode() may only be called on unicode type arrays"));
    }
    let text = unicode_of(vm, s)?;
    vm.new_str(&text)
}

/// `a.fromunicode(s)`.
pub(super) fn array_fromunicode<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "fromunicode", 1, 1)?;
    let code = this(vm, a, "fromunicode")?.code;
    let u = Vm::<H>::unbox(vm.arg(a, 1));
    if !(u.is_obj() && object::kind(u.as_obj()) == Kind::Str) {
        let msg = format!(
            "fromunicode() argument must be str, not {}",
            vm.type_name(vm.arg(a, 1))
        );
        return Err(vm.type_error(&msg));
    }
    if !code.is_unicode() {
        return Err(vm.value_error("fromunicode() may only be called on unicode type arrays"));
    }
    let data = super::unicode_bytes(object::str_of(u.as_obj()));
    append_bytes(vm, a.base, &data)?;
    Ok(Value::NONE)
}

/// `a.tofile(f)`: writes the bytes with `f.write`, in blocks.
pub(super) fn array_tofile<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "tofile", 1, 1)?;
    let data = this(vm, a, "tofile")?.bytes().to_vec();
    let sym = vm.intern("write");
    for block in data.chunks(FILE_BLOCK) {
        let b = vm.new_bytes_kind(Kind::Bytes, block)?;
        let bs = vm.push(b);
        let r = vm
            .getattr(vm.arg(a, 1), sym)
            .and_then(|w| vm.call_values(w, &[vm.st(bs)]));
        vm.truncate(bs);
        r?;
    }
    Ok(Value::NONE)
}

/// `a.fromfile(f, n)`: reads `n` items with `f.read`.
pub(super) fn array_fromfile<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "fromfile", 2, 2)?;
    let size = this(vm, a, "fromfile")?.code.size();
    let n = vm.index_int(vm.arg(a, 2))?;
    if n < 0 {
        return Err(vm.value_error("negative count"));
    }
    let Some(want) = (n as usize)
        .checked_mul(size)
        .filter(|&w| w <= isize::MAX as usize)
    else {
        return Err(vm.raise_msg(T_MEMORY_ERROR, ""));
    };
    let sym = vm.intern("read");
    let reader = vm.getattr(vm.arg(a, 1), sym)?;
    let rs = vm.push(reader);
    let got = vm
        .int_from_i64(want as i64)
        .and_then(|count| vm.call_values(vm.st(rs), &[count]));
    vm.truncate(rs);
    let got = got?;
    let gu = Vm::<H>::unbox(got);
    if !(gu.is_obj() && object::kind(gu.as_obj()) == Kind::Bytes) {
        return Err(vm.type_error("read() didn't return bytes"));
    }
    let data = object::bytes_of(gu.as_obj());
    let whole = data[..data.len() - data.len() % size].to_vec();
    let short = data.len() != want;
    append_bytes(vm, a.base, &whole)?;
    if short {
        return Err(vm.raise_msg(T_EOF_ERROR, "read() didn't return enough bytes"));
    }
    Ok(Value::NONE)
}

// ------------------------------------------------------------ attributes, printing, copying

/// `a.typecode`.
pub(super) fn array_typecode<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let code = this(vm, a, "typecode")?.code;
    vm.new_str(code.char().encode_utf8(&mut [0; 4]))
}

/// `a.itemsize`.
pub(super) fn array_itemsize<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let code = this(vm, a, "itemsize")?.code;
    Ok(Value::int(code.size() as i64))
}

/// `repr(a)`: `array('i', [1, 2])`, `array('u', 'ab')`, `array('d')`.
pub(super) fn array_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__repr__", 0, 0)?;
    let s = this(vm, a, "__repr__")?;
    let t = vm.type_of(vm.arg(a, 0));
    let name = vm.class_name(t);
    let c = s.code.char();
    if s.len() == 0 {
        return vm.new_str(&format!("{name}('{c}')"));
    }
    let items = if s.code.is_unicode() {
        let text = unicode_of(vm, s)?;
        crate::protocol::str_repr(&text)
    } else {
        let l = to_list(vm, a.base)?;
        vm.repr_string(l)?
    };
    vm.new_str(&format!("{name}('{c}', {items})"))
}

/// `copy.copy(a)`: a new `array` with the same items.
pub(super) fn array_copy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__copy__", 0, 0)?;
    let s = this(vm, a, "__copy__")?;
    let data = s.bytes().to_vec();
    let cls = base_class(vm, vm.arg(a, 0));
    new_array(vm, cls, s.code, &data)
}

/// `copy.deepcopy(a, memo)`: items are numbers, so a copy.
pub(super) fn array_deepcopy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__deepcopy__", 1, 1)?;
    array_copy(vm, Args { n: 1, ..a })
}

/// The third item of `__reduce_ex__`: a subclass instance's attributes
/// (without the storage), None for a plain array.
fn reduce_state<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult {
    let t = vm.type_of(vm.st(slot));
    if base_class(vm, vm.st(slot)) == t {
        return Ok(Value::NONE);
    }
    let sym = vm.intern("__dict__");
    let Some(attrs) = vm.getattr_opt(vm.st(slot), sym)? else {
        return Ok(Value::NONE);
    };
    let attrs_s = vm.push(attrs);
    let d = vm.new_dict()?;
    let ds = vm.push(d);
    let r = vm.dict_update(vm.st(ds), vm.st(attrs_s)).and_then(|_| {
        let k = vm.sym_str(STORE_ATTR);
        vm.dict_del_item(vm.st(ds), k)
    });
    let d = vm.st(ds);
    vm.truncate(attrs_s);
    r.map(|_| d)
}

/// `a.__reduce_ex__(protocol)`: `(type(a), (typecode, list), state)`
/// below protocol 3, else `(_array_reconstructor, (type(a), typecode,
/// machine format, bytes), state)`.
pub(super) fn array_reduce_ex<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__reduce_ex__", 1, 1)?;
    let code = this(vm, a, "__reduce_ex__")?.code;
    let protocol = vm.index_int(vm.arg(a, 1))?;
    let mark = vm.push(vm.type_of(vm.arg(a, 0)));
    let r = (|| {
        let tc = vm.new_str(code.char().encode_utf8(&mut [0; 4]))?;
        vm.push(tc);
        let state = reduce_state(vm, a.base)?;
        vm.push(state);
        if protocol < 3 {
            let l = to_list(vm, a.base)?;
            let args = vm.new_tuple(&[vm.st(mark + 1), l])?;
            return vm.new_tuple(&[vm.st(mark), args, vm.st(mark + 2)]);
        }
        let data = store_of(vm, vm.arg(a, 0))
            .expect("an array")
            .bytes()
            .to_vec();
        let b = vm.new_bytes_kind(Kind::Bytes, &data)?;
        vm.push(b);
        let fmt = Value::int(code.mformat());
        let args = vm.new_tuple(&[vm.st(mark), vm.st(mark + 1), fmt, vm.st(mark + 3)])?;
        vm.push(args);
        let module = vm.import_module("array")?;
        let sym = vm.intern("_array_reconstructor");
        let f = vm.getattr(module, sym)?;
        vm.new_tuple(&[f, vm.st(mark + 4), vm.st(mark + 2)])
    })();
    vm.truncate(mark);
    r
}

/// `a.__reduce__()`: as in CPython, where only `__reduce_ex__` pickles.
pub(super) fn array_reduce<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__reduce__", 0, 0)?;
    let t = vm.type_of(vm.arg(a, 0));
    let msg = format!("cannot pickle '{}' object", vm.class_name(t));
    Err(vm.type_error(&msg))
}

/// `a.__sizeof__()`: CPython's object size plus the allocated items.
pub(super) fn array_sizeof<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__sizeof__", 0, 0)?;
    let s = this(vm, a, "__sizeof__")?;
    let cap = object::word(object::get(s.ba, field::BA_BUF).as_obj(), 0);
    Ok(Value::int(64 + cap as i64))
}
