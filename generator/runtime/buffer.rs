//! A JSON value held while an untagged union tries its variants in turn: the
//! flat list of what its deserializer produced, strings borrowed from the
//! input where the deserializer lends them (a response body read as `&str`
//! does, unless a string has escapes).
//!
//! Holding a `serde_json::Value` instead allocated every key, string and
//! object of the value, and each variant tried then allocated its strings
//! again. Here the value costs one `Vec`; a variant decodes from it as it
//! would from the input, entries in the order they came (a duplicate key is
//! seen twice, as when decoding directly, where a `Value` kept the last).
//! The error of an attempt is not kept ([`Mismatch`]): the union explains a
//! failure afterwards, from the value (see `union::no_match`).

use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

/// A buffered JSON value (see the module's docs).
pub struct Buffer<'de> {
    tokens: Vec<Token<'de>>,
}

/// One item of a [`Buffer`]. An array or object is its marker followed by
/// its elements (an object's keys and values alternate); `span` counts the
/// marker and everything in it, so a reader can step over it.
enum Token<'de> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Borrowed(&'de str),
    Owned(Box<str>),
    Seq { len: usize, span: usize },
    Map { len: usize, span: usize },
}

impl<'de> Buffer<'de> {
    /// Buffers the next value of `deserializer`.
    pub fn read<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut tokens = Vec::new();
        deserializer.deserialize_any(Record(&mut tokens))?;
        Ok(Buffer { tokens })
    }

    /// Buffers the rest of an array whose start was read.
    pub fn read_seq<A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        let mut tokens = Vec::new();
        Record(&mut tokens).visit_seq(seq)?;
        Ok(Buffer { tokens })
    }

    /// Buffers `value` (owned: its strings are moved into the buffer).
    pub fn from_value(value: Value) -> Self {
        let mut tokens = Vec::new();
        // A `Value` always decodes.
        let _ = value.deserialize_any(Record(&mut tokens));
        Buffer { tokens }
    }

    /// A scalar, buffered.
    fn scalar(token: Token<'de>) -> Self {
        Buffer {
            tokens: vec![token],
        }
    }

    /// A deserializer reading the buffered value; its errors only say that
    /// the value did not fit ([`Mismatch`]).
    pub fn deserializer(&self) -> Tokens<'_, 'de> {
        Tokens(&self.tokens)
    }

    /// The value, if it is a JSON string.
    pub fn as_str(&self) -> Option<&str> {
        match self.tokens.as_slice() {
            [Token::Borrowed(s)] => Some(s),
            [Token::Owned(s)] => Some(s),
            _ => None,
        }
    }

    /// The value as a `serde_json::Value` (to explain a failure with).
    pub fn to_value(&self) -> Value {
        Value::deserialize(self.deserializer()).unwrap_or(Value::Null)
    }
}

impl Buffer<'_> {
    pub(crate) fn null() -> Self {
        Buffer::scalar(Token::Null)
    }
    pub(crate) fn bool(v: bool) -> Self {
        Buffer::scalar(Token::Bool(v))
    }
    pub(crate) fn u64(v: u64) -> Self {
        Buffer::scalar(Token::U64(v))
    }
    pub(crate) fn i64(v: i64) -> Self {
        Buffer::scalar(Token::I64(v))
    }
    pub(crate) fn f64(v: f64) -> Self {
        Buffer::scalar(Token::F64(v))
    }
    pub(crate) fn string(v: String) -> Self {
        Buffer::scalar(Token::Owned(v.into_boxed_str()))
    }
}

impl<'de> Buffer<'de> {
    pub(crate) fn borrowed(v: &'de str) -> Self {
        Buffer::scalar(Token::Borrowed(v))
    }
}

impl fmt::Debug for Buffer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Buffer({})", self.to_value())
    }
}

/// The visitor that appends a value's tokens.
struct Record<'a, 'de>(&'a mut Vec<Token<'de>>);

impl<'de> DeserializeSeed<'de> for Record<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Record<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.push(Token::Bool(v));
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0.push(Token::I64(v));
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.0.push(Token::U64(v));
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.0.push(Token::F64(v));
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.push(Token::Owned(v.into()));
        Ok(())
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        self.0.push(Token::Borrowed(v));
        Ok(())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<(), E> {
        self.0.push(Token::Owned(v.into_boxed_str()));
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.push(Token::Null);
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.0.push(Token::Null);
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let at = self.0.len();
        self.0.push(Token::Seq { len: 0, span: 0 });
        let mut len = 0;
        while seq.next_element_seed(Record(self.0))?.is_some() {
            len += 1;
        }
        let span = self.0.len() - at;
        if let Some(marker) = self.0.get_mut(at) {
            *marker = Token::Seq { len, span };
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let at = self.0.len();
        self.0.push(Token::Map { len: 0, span: 0 });
        let mut len = 0;
        while map.next_key_seed(Record(self.0))?.is_some() {
            map.next_value_seed(Record(self.0))?;
            len += 1;
        }
        let span = self.0.len() - at;
        if let Some(marker) = self.0.get_mut(at) {
            *marker = Token::Map { len, span };
        }
        Ok(())
    }
}

/// The error of decoding from a [`Buffer`]: only that the value did not
/// fit (what does not fit is explained afterwards, from the value).
#[derive(Debug)]
pub struct Mismatch;

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the value does not fit")
    }
}

impl std::error::Error for Mismatch {}

impl de::Error for Mismatch {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Mismatch
    }
}

/// A [`Buffer`]'s value (or one inside it), read as a deserializer.
#[derive(Clone, Copy)]
pub struct Tokens<'a, 'de>(&'a [Token<'de>]);

impl<'a, 'de> Tokens<'a, 'de> {
    /// The first value of `tokens` and what follows it.
    fn split(tokens: &'a [Token<'de>]) -> (Tokens<'a, 'de>, &'a [Token<'de>]) {
        let span = match tokens.first() {
            Some(Token::Seq { span, .. } | Token::Map { span, .. }) => *span,
            _ => 1,
        };
        let (first, rest) = tokens.split_at(span.min(tokens.len()));
        (Tokens(first), rest)
    }
}

impl<'de> Deserializer<'de> for Tokens<'_, 'de> {
    type Error = Mismatch;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        let Some((first, inner)) = self.0.split_first() else {
            return Err(Mismatch);
        };
        match first {
            Token::Null => visitor.visit_unit(),
            Token::Bool(v) => visitor.visit_bool(*v),
            Token::U64(v) => visitor.visit_u64(*v),
            Token::I64(v) => visitor.visit_i64(*v),
            Token::F64(v) => visitor.visit_f64(*v),
            Token::Borrowed(s) => visitor.visit_borrowed_str(s),
            Token::Owned(s) => visitor.visit_str(s),
            Token::Seq { len, .. } => {
                let mut access = Elements {
                    rest: inner,
                    left: *len,
                };
                let value = visitor.visit_seq(&mut access)?;
                // As `serde`'s own buffers: elements left over are an error.
                if access.left == 0 {
                    Ok(value)
                } else {
                    Err(Mismatch)
                }
            }
            Token::Map { len, .. } => {
                let mut access = Entries {
                    rest: inner,
                    left: *len,
                };
                let value = visitor.visit_map(&mut access)?;
                if access.left == 0 {
                    Ok(value)
                } else {
                    Err(Mismatch)
                }
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        match self.0.first() {
            Some(Token::Null) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Mismatch> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Mismatch> {
        // A unit variant, named by a string (as `serde_json` reads one).
        match self.0 {
            [Token::Borrowed(s)] => visitor.visit_enum(BorrowedStrDeserializer::new(s)),
            [Token::Owned(s)] => visitor.visit_enum(StrDeserializer::new(s)),
            _ => Err(Mismatch),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier
    }
}

/// The elements of a buffered array.
struct Elements<'a, 'de> {
    rest: &'a [Token<'de>],
    left: usize,
}

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = Mismatch;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Mismatch> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let (value, rest) = Tokens::split(self.rest);
        self.rest = rest;
        seed.deserialize(value).map(Some)
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// The entries of a buffered object.
struct Entries<'a, 'de> {
    rest: &'a [Token<'de>],
    left: usize,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = Mismatch;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Mismatch> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let (key, rest) = Tokens::split(self.rest);
        self.rest = rest;
        seed.deserialize(key).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Mismatch> {
        let (value, rest) = Tokens::split(self.rest);
        self.rest = rest;
        seed.deserialize(value)
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}
