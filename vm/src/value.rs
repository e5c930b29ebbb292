//! Python values as one tagged 64-bit word.
//!
//! ```text
//! ...ddd1   small int: a 63-bit signed integer shifted left by one
//! ...d000   heap object: the address of its header (an `ObjectRef`), non-zero
//! 0         NULL: "no value" (an unbound local, an empty slot); never visible
//!           to Python code
//! ...x010   special constants: None, False, True, NotImplemented, Ellipsis
//! ```
//!
//! A pointer value is bit-for-bit the object address, so frame slots and
//! object fields can be handed to collectors as `Slot`s without conversion.
//! There is no reference counting here: copying a `Value` is free.

use gc_api::ObjectRef;

/// One Python value.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Value(pub u64);

const TAG_INT: u64 = 1;
const SPECIAL: u64 = 0b010;

/// Largest small int.
pub const SMALL_MAX: i64 = (1 << 62) - 1;
/// Smallest small int.
pub const SMALL_MIN: i64 = -(1 << 62);

impl Value {
    /// No value (unbound local, empty slot, "not found").
    pub const NULL: Value = Value(0);
    /// `None`.
    pub const NONE: Value = Value(SPECIAL);
    /// `False`.
    pub const FALSE: Value = Value(SPECIAL | (1 << 3));
    /// `True`.
    pub const TRUE: Value = Value(SPECIAL | (2 << 3));
    /// `NotImplemented`.
    pub const NOT_IMPLEMENTED: Value = Value(SPECIAL | (3 << 3));
    /// `...`.
    pub const ELLIPSIS: Value = Value(SPECIAL | (4 << 3));
    /// A deleted dict/set entry (internal, never visible to Python).
    pub const DUMMY: Value = Value(SPECIAL | (5 << 3));

    /// A small int if `i` fits, else `None`.
    #[inline]
    pub fn try_int(i: i64) -> Option<Value> {
        if (SMALL_MIN..=SMALL_MAX).contains(&i) {
            Some(Value(((i as u64) << 1) | TAG_INT))
        } else {
            None
        }
    }

    /// A small int; `i` must fit.
    #[inline]
    pub fn int(i: i64) -> Value {
        debug_assert!((SMALL_MIN..=SMALL_MAX).contains(&i));
        Value(((i as u64) << 1) | TAG_INT)
    }

    /// `True` or `False`.
    #[inline]
    pub fn bool(b: bool) -> Value {
        if b { Value::TRUE } else { Value::FALSE }
    }

    /// Wraps an object reference.
    #[inline]
    pub fn obj(o: ObjectRef) -> Value {
        Value(o.addr() as u64)
    }

    /// Is this a small int?
    #[inline]
    pub fn is_int(self) -> bool {
        self.0 & TAG_INT != 0
    }

    /// The small int (caller checked `is_int`).
    #[inline]
    pub fn as_int(self) -> i64 {
        (self.0 as i64) >> 1
    }

    /// The small int, if this is one.
    #[inline]
    pub fn to_int(self) -> Option<i64> {
        if self.is_int() {
            Some(self.as_int())
        } else {
            None
        }
    }

    /// Is this a heap object?
    #[inline]
    pub fn is_obj(self) -> bool {
        self.0 & 0b111 == 0 && self.0 != 0
    }

    /// The object (caller checked `is_obj`).
    #[inline]
    pub fn as_obj(self) -> ObjectRef {
        debug_assert!(self.is_obj());
        // SAFETY: is_obj guarantees non-zero.
        unsafe { ObjectRef::from_addr_unchecked(self.0 as usize) }
    }

    /// The object, if this is one.
    #[inline]
    pub fn to_obj(self) -> Option<ObjectRef> {
        if self.is_obj() {
            Some(self.as_obj())
        } else {
            None
        }
    }

    /// Is this NULL?
    #[inline]
    pub fn is_null(self) -> bool {
        self.0 == 0
    }

    /// Is this `None`?
    #[inline]
    pub fn is_none(self) -> bool {
        self == Value::NONE
    }

    /// Is this `True` or `False`?
    #[inline]
    pub fn is_bool(self) -> bool {
        self == Value::TRUE || self == Value::FALSE
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_int() {
            write!(f, "Int({})", self.as_int())
        } else if self.is_obj() {
            write!(f, "Obj({:#x})", self.0)
        } else {
            let n = match *self {
                Value::NULL => "NULL",
                Value::NONE => "None",
                Value::TRUE => "True",
                Value::FALSE => "False",
                Value::NOT_IMPLEMENTED => "NotImplemented",
                Value::ELLIPSIS => "Ellipsis",
                Value::DUMMY => "<dummy>",
                _ => "<bad value>",
            };
            f.write_str(n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_ints_round_trip() {
        for i in [0, 1, -1, 42, SMALL_MAX, SMALL_MIN, 1 << 40, -(1 << 40)] {
            let v = Value::try_int(i).unwrap();
            assert!(v.is_int() && !v.is_obj());
            assert_eq!(v.as_int(), i);
        }
        assert!(Value::try_int(SMALL_MAX + 1).is_none());
        assert!(Value::try_int(SMALL_MIN - 1).is_none());
    }

    #[test]
    fn specials_are_neither_ints_nor_objects() {
        for v in [
            Value::NONE,
            Value::TRUE,
            Value::FALSE,
            Value::NOT_IMPLEMENTED,
            Value::ELLIPSIS,
            Value::NULL,
        ] {
            assert!(!v.is_int() && !v.is_obj());
        }
        assert_ne!(Value::TRUE, Value::FALSE);
    }
}
